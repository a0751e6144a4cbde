// Compile-time stand-in for android.provider.Settings: the fixtures only need
// Settings.Secure.getString(ContentResolver, String) and the ANDROID_ID key to compile against.
package android.provider;

import android.content.ContentResolver;

public final class Settings {
  public static final class Secure {
    public static final String ANDROID_ID = "android_id";

    public static String getString(ContentResolver resolver, String name) {
      throw new UnsupportedOperationException("stub");
    }
  }
}
