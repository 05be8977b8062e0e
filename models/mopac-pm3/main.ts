/** MOPAC PM3 heat of formation; all the work is in ../_science/mopac.ts. */
import { serveMopac } from '../_science/mopac.js';
await serveMopac('PM3', import.meta.url);
