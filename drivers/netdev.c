/*
 * The network devices' registry (netdev.h): the drivers register what
 * they found, kernel/net/ takes them from here.
 */
#include "fmt.h"
#include "lib.h"
#include "netdev.h"

static struct netdev *netdevs[NETDEV_MAX];
static uint32_t netdev_n;

void netdev_register(struct netdev *d)
{
	if (netdev_n == NETDEV_MAX)
		return;
	fmt_snprintf(d->name, sizeof(d->name), "eth%u", netdev_n);
	netdevs[netdev_n++] = d;
}

uint32_t netdev_count(void)
{
	return netdev_n;
}

struct netdev *netdev_get(uint32_t i)
{
	return i < netdev_n ? netdevs[i] : 0;
}
