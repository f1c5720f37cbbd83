export { Project } from './project';
export type { FileReader, ProjectFile, ProjectOptions } from './project';
export { Engine } from './engine';
export type { AbsVal, Kind, Step } from './value';
export { kindText } from './value';
