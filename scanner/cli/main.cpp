// TEMPORARY during bring-up (replaced by the real CLI before first commit).
int main() { return 2; }
