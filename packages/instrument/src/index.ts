// @mcpwatch/instrument: every public export is named here.
export {};
