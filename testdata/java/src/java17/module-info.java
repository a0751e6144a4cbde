// A named module: module-info.class is the one class file with CONSTANT_Module (19) and
// CONSTANT_Package (20) entries, and no superclass.
module com.demo.modern {
  exports com.demo.modern;
  requires java.logging;
}
