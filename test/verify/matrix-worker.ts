// Worker thread of runMatrix: checks the combinations it is given and posts the results back.
import { parentPort, workerData } from 'node:worker_threads';
import type { Answers } from '../../src/answers/options.js';
import { checkCombinations } from './matrix.js';

parentPort!.postMessage(checkCombinations((workerData as { share: Answers[] }).share));
