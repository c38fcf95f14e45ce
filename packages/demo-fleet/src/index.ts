/**
 * The demo fleet: its definition (examples/fleet/demo-fleet.yaml), the seeder that creates it in AWS
 * or the emulator, and the emulator launcher used by integration tests.
 *
 * @packageDocumentation
 */

export { DEMO_FLEET_FILE, loadDemoFleet, parseDemoFleet } from './fleet';
export type {
  DemoDeployment,
  DemoEnvironment,
  DemoFleet,
  DemoService,
  FunctionSettings,
} from './fleet';
export { PLATFORM_HELLO_IMAGE, releaseImage } from './images';
export type { ReleaseImage } from './images';
export { seedDemoFleet, SEEDER_ROLE_NAME } from './seed';
export type {
  AccountSeedSummary,
  SeededFunction,
  SeedOptions,
  SeedSummary,
} from './seed';
export { findMotoServer, startEmulator } from './emulator';
export type { Emulator } from './emulator';
