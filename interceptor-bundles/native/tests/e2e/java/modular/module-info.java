/** A modular application (java -p DIR -m demo/demo.Main): its boot layer resolves only what it requires. */
module demo {
}
