// Placeholder while the whole-shop import is built.
process.stderr.write('Not built yet\n');
process.exitCode = 1;
