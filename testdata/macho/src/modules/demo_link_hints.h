// Declarations of the DemoLinkHints module (see module.modulemap).
int demo_link_hint(void);
