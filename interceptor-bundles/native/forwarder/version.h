/* The launcher's version, reported by `telltale version` and in HELLO's agent_version. */
#ifndef TT_VERSION_H
#define TT_VERSION_H

#ifndef TT_VERSION
#define TT_VERSION "0.1.0"
#endif

#endif
