import { intBetween } from "./refine.js";
import { strict } from "./strict.js";

export const RateBookBody = strict("RateBookBody", { stars: intBetween("Stars", 1, 5) });
