import type { Runtime } from "../runtime.ts";
export function openCjson(rt: Runtime): void { void rt; }
