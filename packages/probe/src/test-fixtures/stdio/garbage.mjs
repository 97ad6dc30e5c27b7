// Writes lines that are not JSON-RPC to stdout and never answers anything.
let n = 0;
setInterval(() => process.stdout.write(`<html> not json ${n++}\n`), 50);
