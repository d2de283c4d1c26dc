#!/bin/sh
# cli_test.sh FABSCALE DATA WORKDIR: `fabscale train|compare|plan` end to end
# and on bad input: one line on stderr naming the problem, exit status 2.
fab=$1 data=$2 dir=$3
mkdir -p "$dir" || exit 1
res=$data/fabscale_synthetic.json
fails=0

# expect STATUS FRAGMENT ARGS...: status, one "fabscale: " line containing FRAGMENT
expect() {
    want=$1 frag=$2
    shift 2
    "$fab" "$@" > "$dir/out" 2> "$dir/err"
    rc=$?
    lines=$(wc -l < "$dir/err")
    if [ "$rc" != "$want" ]; then
        echo "FAIL (status $rc, want $want): fabscale $*"; cat "$dir/err"; fails=$((fails + 1))
    elif [ -n "$frag" ] && ! grep -qF -- "$frag" "$dir/err"; then
        echo "FAIL (message lacks '$frag'): fabscale $*"; cat "$dir/err"; fails=$((fails + 1))
    elif [ "$want" = 2 ] && { [ "$lines" != 1 ] || ! grep -q '^fabscale: ' "$dir/err"; }; then
        echo "FAIL (want one 'fabscale: ' line, got $lines): fabscale $*"; cat "$dir/err"; fails=$((fails + 1))
    else
        echo "ok ($rc): fabscale $* ${frag:+-> $(head -1 "$dir/err")}"
    fi
}
# out_has FRAGMENT: the last command's stdout contains it
out_has() {
    if ! grep -qF -- "$1" "$dir/out"; then
        echo "FAIL: stdout lacks '$1'"; cat "$dir/out"; fails=$((fails + 1))
    fi
}

# out_re REGEX: a line of the last command's stdout matches it
out_re() {
    if ! grep -qE -- "$1" "$dir/out"; then
        echo "FAIL: stdout has no line matching '$1'"; cat "$dir/out"; fails=$((fails + 1))
    fi
}

L="--link 20,12.5"
# --- working runs ---
expect 0 "" train $L --instance p5.48xlarge --model llama2-70b --gpus 8:1024 --min-efficiency 0.7
out_has "largest GPU count with efficiency >= 0.70: 256"
out_has "from preset llama2-70b: tp 8, zero 1"
out_has "gradients reduced at 4 bytes"
out_has "p5.48xlarge: 8 GPUs/node, 32 NIC(s)/node"
expect 0 "" train "$res" --instance p4d.24xlarge --model resnet50 --gpus 8,64 --csv
out_has "gpus,nodes,dp,global_batch,micro_batch,compute_ms"
expect 0 "" train $L --params 1.5B --grad-bytes 4 --compute-ms 200 --gpus 1:64 --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["rows"]) == 7 and d["rows"][0]["dp_comm_ms"] == 0, d' "$dir/out" \
    || { echo "FAIL: train --json"; fails=$((fails + 1)); }
expect 0 "" train $L --params 7B --hidden 4096 --layers 32 --seq 4096 --vocab 32000 --tflops 400 --fsdp --gpus 64
out_has "ZeRO-3/FSDP"
expect 0 "" compare "$res" --instance fabscale_synthetic.json=p5.48xlarge --model resnet50 --gpus 64 --price p5.48xlarge=40
out_has "usd_per_M_samples"
expect 0 "" compare --instance p5.48xlarge,trn1.32xlarge --nominal 15 --model bert-large --prices example --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert [r["instance"] for r in d["rows"]] == ["p5.48xlarge", "trn1.32xlarge"] and d["rows"][0]["usd_per_step"] > 0 and d["missing_prices"] == []' "$dir/out" \
    || { echo "FAIL: compare --json"; fails=$((fails + 1)); }
expect 0 "" plan --instance p5.48xlarge,p4d.24xlarge --nominal 15 --model llama2-70b --tokens 2T --deadline 30d \
    --min-efficiency 0.5 --prices example
out_re "^p5.48xlarge +catalogue +yes +[0-9]+ "
# 70B with fp32 gradient buffers does not fit a 40 GB A100 with ZeRO-1: never proposed, the fix named
out_re "^p4d.24xlarge +catalogue +no .*does not fit at any listed count.*fits with --zero 2"
expect 0 "" compare --instance p5.48xlarge --link 20,12.5 --model resnet50 --no-cost
# two results files that record their instance types, side by side
sed 's/"instance_type": null/"instance_type": "p5.48xlarge"/' "$res" > "$dir/a.json"
sed 's/"instance_type": null/"instance_type": "p4d.24xlarge"/' "$res" > "$dir/b.json"
expect 0 "" compare "$dir/a.json" "$dir/b.json" --model gpt3-175b --gpus 1024,2048 --prices example
out_re "^p5.48xlarge +a.json +1024 +128 "
out_re "^p4d.24xlarge +b.json +2048 +256 "
# RESULTS from OSU logs as they are
expect 0 "" train "$data/osu_latency_7.4.txt" "$data/osu_bw_7.4.txt" --instance p4d.24xlarge --model bert-large --gpus 8:64
out_has "osu_latency_7.4.txt link 1"
# nccl-tests alone: the link is derived from the collectives (fs_model_build), with its band
expect 0 "" train "$data/nccl_all_reduce_perf.txt" --instance p4d.24xlarge --model bert-large --gpus 8,64
out_has "derived from the measured collectives"
out_re "^ +64 .* [0-9.]+ \([0-9.]+-[0-9.]+\) "

# --- bad input: impossible parallelism ---
expect 2 "--tp 16 is larger than the 8 GPUs per node" train $L --instance p5.48xlarge --model gpt3-175b --tp 16 --gpus 256
expect 2 "--gpus 100 is not divisible by TP x PP = 8 x 16 = 128" train $L --instance p5.48xlarge --model gpt3-175b --gpus 128,100
expect 2 "--tp/--pp need a transformer workload" train $L --instance p5.48xlarge --model resnet50 --tp 2 --gpus 16
expect 2 "--zero 3 (FSDP) with --pp 16" train $L --instance p5.48xlarge --model gpt3-175b --fsdp --gpus 1024
expect 2 "--tp 16 is larger than the 8 GPUs per node" plan --instance p5.48xlarge --nominal 15 --model gpt3-175b --tp 16 \
    --tokens 300B --deadline 30d --no-cost
# --- negative or zero sizes ---
expect 2 '--params: "-5" is not a count > 0' train $L --params -5 --compute-ms 10 --gpus 8
expect 2 '--params: "0" is not a count > 0' train $L --params 0 --compute-ms 10 --gpus 8
expect 2 "--gpus: 0 is out of range" train $L --model resnet50 --tflops 100 --gpus 0,8
expect 2 '--micro-batch: 0 is out of range' train $L --model resnet50 --tflops 100 --micro-batch 0 --gpus 8
expect 2 '--compute-ms: "-1" is not a number > 0' train $L --model resnet50 --compute-ms -1 --gpus 8
expect 2 '--bucket-mb: "0" is not a number > 0' train $L --model resnet50 --tflops 100 --bucket-mb 0 --gpus 8
expect 2 "--link 20,-1: need ALPHA_US >= 0 and a bandwidth > 0" train --link 20,-1 --model resnet50 --tflops 100 --gpus 8
expect 2 '--tokens: "-3T" is not a count > 0' plan --instance p5.48xlarge --nominal 15 --model gpt3-175b --tokens -3T --deadline 1d
expect 2 '--deadline: "0d" is not a duration > 0' plan --instance p5.48xlarge --nominal 15 --model gpt3-175b --tokens 3T --deadline 0d
expect 2 '--global-batch 100 is not a multiple of data-parallel 8 (at 8 GPUs)' train $L --instance p4d.24xlarge \
    --model resnet50 --global-batch 100 --gpus 8
# --- unknown presets and types: list the known ones ---
expect 2 '--model "gpt5": unknown preset (known: resnet50, resnet101, vgg16, bert-base, bert-large' train $L --model gpt5 --gpus 8
expect 2 '--instance "p9.huge": unknown type (known: p4d.24xlarge, p5.48xlarge' train $L --instance p9.huge --model resnet50 --gpus 8
expect 2 'no instance type (meta.instance_type is absent): give --instance' compare "$res" --model resnet50
# --- missing prices: the rest is printed, the missing one named ---
expect 2 "compare: no price for Standard_ND96isr_H100_v5, a3-megagpu-8g: give --price TYPE=USD_PER_HOUR" \
    compare --instance p5.48xlarge,Standard_ND96isr_H100_v5,a3-megagpu-8g --nominal 15 --model resnet50 --prices example
out_has "p5.48xlarge"
out_has "Standard_ND96isr_H100_v5"
expect 2 "plan: no price for p5.48xlarge" plan --instance p5.48xlarge --nominal 15 --model resnet50 --samples 1B --deadline 1w
expect 2 '--price "p5.48xlarge=free": expected TYPE=USD_PER_HOUR' compare --instance p5.48xlarge --nominal 15 --model resnet50 \
    --price p5.48xlarge=free
# --- other usage errors ---
expect 2 "train: give --gpus LIST" train $L --model resnet50
expect 2 "train: no network link: give RESULTS" train --model resnet50 --tflops 100 --gpus 8
expect 2 "no compute speed: give --compute-ms, --tflops, or --instance TYPE" train $L --model resnet50 --gpus 8
expect 2 "--gpus-per-node 8 needs the GPU-to-GPU bandwidth inside a node" train $L --model resnet50 --tflops 9 --gpus-per-node 8 --gpus 8
expect 2 "plan: give a --deadline" plan --instance p5.48xlarge --nominal 15 --model resnet50 --samples 1B
expect 2 "plan: this workload counts samples: give --samples instead of --tokens" plan --instance p5.48xlarge --nominal 15 \
    --model resnet50 --tokens 1B --deadline 1d --no-cost
expect 2 "train: --deadline is an option of fabscale plan" train $L --model resnet50 --gpus 8 --deadline 3d
expect 2 "train: unknown option --frobnicate" train --frobnicate
expect 2 "has no measured link: give --link p5.48xlarge=ALPHA,BW, or --nominal ALPHA_US" compare --instance p5.48xlarge --model resnet50
printf '{"instances": [\n {"name": "x", "nics": 2}\n]}\n' > "$dir/cat.json"
expect 2 "cat.json:2: instances[0] (\"x\"): missing \"cloud\"" train $L --catalog "$dir/cat.json" --model resnet50 --gpus 8
# a user catalogue that adds a type makes it usable
cat > "$dir/mine.json" <<'EOF'
{"instances": [{"name": "lab-a100", "cloud": "onprem", "accelerator": "A100", "accelerators": 4,
  "accelerator_memory_GB": 80, "peak_bf16_tflops": 312, "peak_fp16_tflops": 312, "intra_GBps": 300, "nics": 1, "nic_Gbps": 200,
  "sources": ["our purchase order"]}]}
EOF
expect 0 "" train $L --catalog "$dir/mine.json" --instance lab-a100 --model resnet50 --gpus 4,8
out_has "lab-a100: 4 GPUs/node, 1 NIC(s)/node"

# --- issue 13: one link per type, units, contradictions ---
expect 2 "--link 20,12.5 would put one link on NICs of 100 Gb/s (p5.48xlarge) and 400 Gb/s (Standard_ND96isr_H100_v5)" \
    compare $L --instance p5.48xlarge,Standard_ND96isr_H100_v5 --model llama2-70b --no-cost
expect 0 "" compare --link p5.48xlarge=20,12.5 --link Standard_ND96isr_H100_v5=20us,400Gbps \
    --instance p5.48xlarge,Standard_ND96isr_H100_v5 --model llama2-70b --no-cost --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["rows"]; assert "12.5 GB/s" in r[0]["link"] and "50 GB/s" in r[1]["link"], r' "$dir/out" \
    || { echo "FAIL: compare per-type links"; fails=$((fails + 1)); }
expect 2 "--link 5,200: 200 GB/s is faster than p5en.48xlarge's NIC line rate (200 Gb/s = 25 GB/s); a bare bandwidth is GB/s: did you mean 5us,200Gbps?" \
    train --link 5,200 --instance p5en.48xlarge --model llama2-70b --gpus 64
expect 0 "" train --link 5us,200Gbps --instance p5en.48xlarge --model llama2-70b --gpus 64 --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c=d["cluster"]; assert c["nic_GBps"] == 25 and c["nic_alpha_us"] == 5, c' "$dir/out" \
    || { echo "FAIL: --link with units"; fails=$((fails + 1)); }
expect 0 "" train --link 5,25GBps --instance p5en.48xlarge --model llama2-70b --gpus 64
expect 2 "--link 5,200furlongs: expected ALPHA[us|ns|ms],BANDWIDTH[GBps|GB/s|Gbps|Gb/s]" \
    train --link 5,200furlongs --instance p5en.48xlarge --model llama2-70b --gpus 64
expect 2 "--link p9=20,12.5: no such type among the candidates" \
    compare --link p9=20,12.5 --instance p5.48xlarge --nominal 15 --model resnet50 --no-cost
expect 0 "" train --nominal 15 --instance p5.48xlarge --model resnet50 --gpus 8
out_has "nominal EFA line rate 100 Gb/s, alpha 15 us"
# --- precisions ---
expect 2 "--precision fp8: p4d.24xlarge (NVIDIA A100 40GB SXM4) has no fp8 peak in the catalogue (it has fp32, tf32, fp16, bf16)" \
    train $L --instance p4d.24xlarge --model gpt2-xl --precision fp8 --gpus 8
expect 2 "p3dn.24xlarge (NVIDIA V100 32GB SXM2) has no bf16 peak in the catalogue (it has fp32, fp16): give --precision" \
    train $L --instance p3dn.24xlarge --model bert-large --gpus 8
expect 0 "" train $L --instance p3dn.24xlarge --model bert-large --precision fp16 --gpus 8
out_has "fp16 peak 125 TFLOP/s x sustained 0.60 = 75 TFLOP/s"
expect 2 "--mfu: MFU is an output now" train $L --instance p5.48xlarge --model resnet50 --mfu 0.4 --gpus 8
expect 2 '--precision "fp4": not fp32, tf32, fp16, bf16 or fp8' train $L --instance p5.48xlarge --model resnet50 --precision fp4 --gpus 8
# --- memory: activations count, a layout that cannot fit is refused with the fix ---
expect 2 "train: the layout fits at no listed count: needs" train $L --instance p4d.24xlarge --model llama2-70b --gpus 64,128
expect 0 "" train $L --instance p4d.24xlarge --model llama2-70b --zero 2 --gpus 1024 --json
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["rows"][0]; assert r["fits"] and 11 < r["activation_GB"] < 12 and r["mfu"] > 0 and r["tflops_per_gpu"] > 0 and r["efficiency_lo"] <= r["efficiency"] <= r["efficiency_hi"] and r["expected_efficiency"] < r["efficiency"], r' "$dir/out" \
    || { echo "FAIL: train --json memory and efficiency fields"; fails=$((fails + 1)); }
# --- purchase options ---
expect 2 "compare: prices mix purchase options (p5.48xlarge capacity-block, p5en.48xlarge on-demand)" \
    compare --instance p5.48xlarge,p5en.48xlarge --nominal 15 --model bert-large --prices example
expect 0 "" compare --instance p5.48xlarge,p5en.48xlarge --nominal 15 --model bert-large --prices example --mix-purchase-options
out_re "^p5en.48xlarge .*on-demand"
expect 0 "" compare --instance p5.48xlarge,p5en.48xlarge --nominal 15 --model bert-large --price p5.48xlarge=98@on-demand \
    --price p5en.48xlarge=63@on-demand
expect 2 'purchase option "weekly" is not on-demand' compare --instance p5.48xlarge --nominal 15 --model bert-large --price p5.48xlarge=98@weekly
# --- knobs ---
expect 0 "" train $L --instance p5.48xlarge --model resnet50 --algorithm ring --gpus 64
out_has "ring"
expect 2 '--algorithm "bogus": not one of ring, rd' train $L --instance p5.48xlarge --model resnet50 --algorithm bogus --gpus 64
expect 2 "--algorithm hier cannot run the data-parallel group of 64 ranks (1 per node)" \
    train $L --instance p5.48xlarge --model llama2-70b --algorithm hier --gpus 512
expect 0 "" train $L --instance p5.48xlarge --model gpt3-175b --interleave 2 --gpus 1536 --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["parallelism"]["interleave"] == 2 and d["rows"][0]["bubble_ms"] > 0, d["rows"]' "$dir/out" \
    || { echo "FAIL: --interleave"; fails=$((fails + 1)); }
expect 2 "--interleave 5: 96 layers do not split into 16 x 5 chunks" train $L --instance p5.48xlarge --model gpt3-175b --interleave 5 --gpus 1536
expect 0 "" train $L --instance p4d.24xlarge --model resnet50 --global-batch 1024 --gpus 8,16,32,64 --csv
python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); assert [x["micro_batch"] for x in r] == ["32","32","32","16"] and {x["global_batch"] for x in r} == {"1024"}, r' "$dir/out" \
    || { echo "FAIL: --global-batch with a GPU list"; fails=$((fails + 1)); }
expect 0 "" train $L --instance p4d.24xlarge --model resnet50 --gpus 8,64
out_has "note: weak scaling: the per-GPU batch is fixed"
expect 0 "" train $L --instance p4d.24xlarge --model resnet50 --gpus 64 --baseline-gpus 8 --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["baseline_gpus"] == 8 and 0 < d["rows"][0]["scaling"] <= 1, d' "$dir/out" \
    || { echo "FAIL: --baseline-gpus"; fails=$((fails + 1)); }
expect 2 "--baseline-gpus 12: --gpus 12 is not divisible by TP x PP = 8 x 1 = 8" \
    train $L --instance p5.48xlarge --model llama2-70b --gpus 64 --baseline-gpus 12

# Mixture of experts: the all-to-all term in train, compare and plan; bad input.
N="--nominal 20"
expect 0 "" train $N --instance p5.48xlarge --model mixtral-8x7b --gpus 64,256
out_re "^gpus .* a2a_ms .*step_ms"
out_has "all-to-all at 256 GPUs (EP 8, inside a node)"
expect 0 "" train $N --instance p5.48xlarge --model deepseek-v3 --gpus 2048 --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["rows"][0]; assert r["a2a_ms"] > 0 and not r["a2a_intra_node"] and r["limit"] == "ep-a2a" and d["parallelism"]["ep"] == 64 and d["workload"]["moe"]["experts"] == 256, r' "$dir/out" \
    || { echo "FAIL: deepseek-v3 all-to-all in JSON"; fails=$((fails + 1)); }
expect 0 "" compare $N --instance p5.48xlarge,p4d.24xlarge --model mixtral-8x7b --gpus 64 --no-cost
out_re "^instance .* a2a_ms "
out_has "p4d.24xlarge: all-to-all at 64 GPUs"
expect 0 "" plan $N --instance p5.48xlarge --model mixtral-8x7b --tokens 1e9 --deadline 30d --no-cost
out_re "^instance .* a2a_ms "
expect 0 "" train $N --instance p5.48xlarge --model mixtral-8x7b --gpus 64 --skew zipf:s=1.2
out_re "routing imbalance [2-9]"
expect 2 "--ep 3 does not divide the 8 experts" train $N --instance p5.48xlarge --model mixtral-8x7b --ep 3 --gpus 96
expect 2 "not divisible by TP x PP x EP" train $N --instance p5.48xlarge --model mixtral-8x7b --gpus 48
expect 2 "--topk 9: must be between 1 and --experts 8" train $N --instance p5.48xlarge --model mixtral-8x7b --topk 9 --gpus 64
expect 2 "--skew zipf:s=-1" train $N --instance p5.48xlarge --model mixtral-8x7b --skew zipf:s=-1 --gpus 64
expect 2 "--moe-every" train $N --instance p5.48xlarge --model mixtral-8x7b --moe-every 3 --gpus 64
expect 2 "--ep 8: the workload has no experts" train $N --instance p5.48xlarge --model llama2-70b --ep 8 --gpus 64
expect 2 "--a2a-overlap" train $N --instance p5.48xlarge --model mixtral-8x7b --a2a-overlap always --gpus 64

echo "$fails failure(s)"
[ "$fails" = 0 ]
