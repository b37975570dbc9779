/* summary: placeholder main, replaced by the subcommand table. */
int main(void);
int main(void) { return 0; }
