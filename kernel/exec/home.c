#include "home.h"

uint64_t exec_home_base = EXEC_HOME_BASE;
