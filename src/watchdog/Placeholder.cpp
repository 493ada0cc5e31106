// Placeholder so the library has a source until the Watchdog's first class lands.
