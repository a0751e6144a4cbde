// Compile-time stand-in for the Android framework class (only what the fixtures call).
// Compiled into a scratch directory by scripts/gen-java-fixtures.sh; never committed as .class.
package android.content;

public abstract class ContentResolver {
}
