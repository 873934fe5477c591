export * from "./users";
export * from "./audit";
export * from "./inventory";
export * from "./decisions";
export * from "./settings";
export * from "./policies";
export * from "./frameworks";
export * from "./approvals";
