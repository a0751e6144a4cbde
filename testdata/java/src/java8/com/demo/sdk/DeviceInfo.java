// Reads a device identifier and hashes it: the Android ID API and MessageDigest, the pattern
// that privacy checks look for.
package com.demo.sdk;

import android.content.ContentResolver;
import android.provider.Settings;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

public final class DeviceInfo {
  private DeviceInfo() {}

  public static String deviceHash(ContentResolver resolver) throws NoSuchAlgorithmException {
    String id = Settings.Secure.getString(resolver, Settings.Secure.ANDROID_ID);
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] hash = digest.digest(id.getBytes());
    StringBuilder hex = new StringBuilder();
    for (byte b : hash) hex.append(Integer.toHexString(b & 0xff));
    return hex.toString();
  }
}
