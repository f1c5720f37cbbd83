// Registers every known function and class (each module calls defineFunctions/defineClasses).
import './tensorflow';
import './numpy';
import './torch';
import './losses';
import './keras_ops';
import './kinds';
import './wrappers';
import './constructors';
import './shapes';
