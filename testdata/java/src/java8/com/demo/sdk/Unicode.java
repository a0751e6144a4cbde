// String constants that modified UTF-8 encodes differently from UTF-8: non-ASCII (two and three
// byte forms), U+0000 (C0 80) and a supplementary character (a surrogate pair, six bytes).
// Written with Java unicode escapes so this source file stays ASCII.
package com.demo.sdk;

public final class Unicode {
  public static final String GERMAN = "Gr\u00f6\u00dfe";         // "Größe"
  public static final String CHINESE = "\u6570\u636e\u4e0a\u62a5";  // "数据上报"
  public static final String WITH_NUL = "a\u0000b";                 // U+0000 inside
  public static final String EMOJI = "smile \ud83d\ude00";          // U+1F600
  public static final String EMPTY = "";

  private Unicode() {}

  public static String all() {
    return GERMAN + CHINESE + WITH_NUL + EMOJI + EMPTY;
  }
}
