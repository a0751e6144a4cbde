// TEMPORARY link bridge: sdkscope_java links only sdkscope_model, so the DEX reader's MUTF-8
// decoder is compiled into this library too. Delete this file when mutf8 moves to scanner/util.
#include "scanner/dex/mutf8.cpp"  // NOLINT(bugprone-suspicious-include)
