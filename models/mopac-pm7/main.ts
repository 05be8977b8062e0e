/** MOPAC PM7 heat of formation; all the work is in ../_science/mopac.ts. */
import { serveMopac } from '../_science/mopac.js';
await serveMopac('PM7', import.meta.url);
