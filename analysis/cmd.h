/*
 * cmd.h - the subcommands of `fabscale`.  Each lives in its own cmd_*.c,
 * takes the arguments after its name (argv[0] is the subcommand) and
 * returns the exit status: 0 ok, 1 runtime failure, 2 bad usage or input.
 */
#ifndef FS_CMD_H
#define FS_CMD_H

int fs_cmd_import(int argc, char **argv);
int fs_cmd_fit(int argc, char **argv);
int fs_cmd_predict(int argc, char **argv);
int fs_cmd_report(int argc, char **argv);
/* analysis II (training model): cmd_train.c, cmd_compare.c, cmd_plan.c */
int fs_cmd_train(int argc, char **argv);
int fs_cmd_compare(int argc, char **argv);
int fs_cmd_plan(int argc, char **argv);
/* cluster acceptance: cmd_screen.c */
int fs_cmd_screen(int argc, char **argv);
/* results compared point by point (cmd_diff.c) */
int fs_cmd_diff(int argc, char **argv);

#endif
