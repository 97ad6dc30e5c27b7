// Dies before reading anything, the way a server with a bad config does.
process.stderr.write('fatal: missing DATABASE_URL\n');
process.exit(3);
