// keyboard_ext.c: the executable of Fixture.app/PlugIns/Keyboard.appex, a custom keyboard
// (its Info.plist says NSExtensionPointIdentifier com.apple.keyboard-service). The code only
// switches to the next keyboard; the check reads the Info.plist.
#include "objc_c.h"

OBJC_CLASS(cls_UIInputViewController, UIInputViewController);
OBJC_SELECTOR(sel_new, "new");
OBJC_SELECTOR(sel_advanceToNextInputMode, "advanceToNextInputMode");

int main(void) {
  SEND0(SEND0(cls_UIInputViewController, sel_new), sel_advanceToNextInputMode);
  return 0;
}
