export { startSimulator, SIMULATOR_KEYS, type Simulator, type SimulatorOptions, type RequestLogEntry } from './server';
export { World, type WorldOptions } from './world';
export { SERVED_STREAMS } from './routes';
