// SPDX-License-Identifier: GPL-2.0
/* placeholder: filled in by issue 4 work */
#include <linux/types.h>
