/** MOPAC AM1 heat of formation; all the work is in ../_science/mopac.ts. */
import { serveMopac } from '../_science/mopac.js';
await serveMopac('AM1', import.meta.url);
