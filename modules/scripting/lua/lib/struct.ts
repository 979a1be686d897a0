import type { Runtime } from "../runtime.ts";
export function openStruct(rt: Runtime): void { void rt; }
