# Fuzzing (issue 8): libFuzzer targets for the parsers of untrusted input,
# and their corpora as regression tests.
#
# Every target in tests/fuzz/fuzz_<name>.c defines LLVMFuzzerTestOneInput.
# - Always (any compiler): fuzz_replay_<name> links it with a plain main()
#   (fuzz/replay.c) and ctest replays fuzz/corpus/<name>/ (seeds) and
#   fuzz/regressions/<name>/ (every crashing or malformed input ever found),
#   label `unit`: they run in the normal build and under ASan/UBSan.
# - With -DFS_FUZZ=ON and clang (scripts/fuzz): fuzz_<name> is the libFuzzer
#   binary, linked against instrumented copies of the parser sources.
option(FS_FUZZ "Build libFuzzer targets (needs clang: CC=clang)" OFF)

set(FS_FUZZ_DIR ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
set(FS_FUZZ_TARGETS)

# fs_add_fuzz(NAME SOURCES src... [INCLUDES dir...] [LIBS lib...] [FUZZ_LIBS lib...])
# LIBS link the replay driver, FUZZ_LIBS (instrumented) the libFuzzer binary;
# SOURCES are compiled into both (instrumented in the libFuzzer one).
function(fs_add_fuzz name)
  cmake_parse_arguments(F "" "" "SOURCES;INCLUDES;LIBS;FUZZ_LIBS" ${ARGN})
  add_executable(fuzz_replay_${name} ${FS_FUZZ_DIR}/replay.c ${F_SOURCES})
  target_include_directories(fuzz_replay_${name} PRIVATE ${F_INCLUDES})
  target_link_libraries(fuzz_replay_${name} PRIVATE ${F_LIBS})
  set(dirs)
  foreach(kind corpus regressions)
    if(EXISTS ${FS_FUZZ_DIR}/${kind}/${name})
      list(APPEND dirs ${FS_FUZZ_DIR}/${kind}/${name})
    endif()
  endforeach()
  add_test(NAME fuzz_replay_${name} COMMAND fuzz_replay_${name} ${dirs})
  set_tests_properties(fuzz_replay_${name} PROPERTIES LABELS unit TIMEOUT 300)
  if(FS_FUZZ)
    add_executable(fuzz_${name} ${F_SOURCES})
    target_include_directories(fuzz_${name} PRIVATE ${F_INCLUDES})
    target_compile_options(fuzz_${name} PRIVATE ${FS_FUZZ_FLAGS})
    target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer,address,undefined)
    target_link_libraries(fuzz_${name} PRIVATE ${F_FUZZ_LIBS})
  endif()
endfunction()

if(FS_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "FS_FUZZ=ON needs clang (libFuzzer): configure with CC=clang, "
                        "got ${CMAKE_C_COMPILER_ID}")
  endif()
  # Coverage feedback plus the checks that turn silent corruption into a
  # crash libFuzzer can report.
  set(FS_FUZZ_FLAGS -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                    -fno-omit-frame-pointer -g -O1)
  # Instrumented copies of the parsers: the same globs as analysis/ and
  # benchmarks/ so new reader files are fuzzed without editing this file.
  file(GLOB FS_FUZZ_COMMON_SRC CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/common/*.c)
  add_library(fs_fuzz_analysis STATIC ${FS_ANALYSIS_SOURCES} ${FS_FUZZ_COMMON_SRC})
  target_include_directories(fs_fuzz_analysis PUBLIC ${FS_ANALYSIS_INCLUDES} ${PROJECT_SOURCE_DIR}/common)
  target_compile_options(fs_fuzz_analysis PRIVATE ${FS_FUZZ_FLAGS})
  target_compile_definitions(fs_fuzz_analysis PUBLIC FS_DATADIR="${CMAKE_INSTALL_FULL_DATADIR}/fabscale"
                             FS_SOURCE_DATADIR="${PROJECT_SOURCE_DIR}/analysis/data")
  target_link_libraries(fs_fuzz_analysis PUBLIC PkgConfig::JANSSON PkgConfig::GSL ${MATH_LIB})
endif()

if(TARGET fs_analysis)
  foreach(t results_json nccl_json osu nccl_text fabscale_text launcher)
    fs_add_fuzz(${t} SOURCES ${FS_FUZZ_DIR}/fuzz_${t}.c ${FS_FUZZ_DIR}/roundtrip.c
                LIBS fs_analysis FUZZ_LIBS fs_fuzz_analysis)
  endforeach()
  fs_add_fuzz(cli_sizes SOURCES ${FS_FUZZ_DIR}/fuzz_cli_sizes.c
              LIBS fs_analysis FUZZ_LIBS fs_fuzz_analysis)
endif()
# sizes.c needs nothing but libc: compile it in rather than link fs_bench (MPI).
fs_add_fuzz(sizes SOURCES ${FS_FUZZ_DIR}/fuzz_sizes.c ${PROJECT_SOURCE_DIR}/common/sizes.c
            INCLUDES ${PROJECT_SOURCE_DIR}/common LIBS ${MATH_LIB} FUZZ_LIBS ${MATH_LIB})
# The catalogue reader (issue 6) when it is in the tree.
if(TARGET fs_analysis AND EXISTS ${PROJECT_SOURCE_DIR}/analysis/train/catalog.h)
  fs_add_fuzz(catalog SOURCES ${FS_FUZZ_DIR}/fuzz_catalog.c
              LIBS fs_analysis FUZZ_LIBS fs_fuzz_analysis)
endif()

# valgrind memcheck over `fabscale import/fit/predict/report` on the sample
# inputs (tests/valgrind/memcheck.sh): zero errors, no definite leaks.  Not
# in sanitizer builds: ASan and valgrind do not run together.
find_program(FS_VALGRIND valgrind)
if(TARGET fabscale AND FS_VALGRIND AND NOT FS_SANITIZE)
  add_test(NAME valgrind_memcheck
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/valgrind/memcheck.sh $<TARGET_FILE:fabscale>
                   ${CMAKE_CURRENT_SOURCE_DIR}/data ${CMAKE_CURRENT_BINARY_DIR}/valgrind_memcheck)
  set_tests_properties(valgrind_memcheck PROPERTIES LABELS valgrind TIMEOUT 1800)
elseif(NOT FS_SANITIZE)
  message(STATUS "valgrind not found: valgrind_memcheck test not registered")
endif()
