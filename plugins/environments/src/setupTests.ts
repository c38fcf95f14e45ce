import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The suite shares a 2-core machine with the backend's emulator tests and the browser tests: these are
// bounds against a loaded machine, not timings. A test still fails when what it waits for never appears.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 5_000 });
