import type { Runtime } from "../runtime.ts";
export function openCmsgpack(rt: Runtime): void { void rt; }
