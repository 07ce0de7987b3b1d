// A shared library no Debian package owns, for tst_check_deps' "unowned file" case.
int checkDepsThrowawayAnswer() { return 42; }
