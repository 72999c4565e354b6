/*
 * The kernel heap: a struct heap that grows by taking runs of pages from the
 * pmm when an allocation does not fit.
 */
#ifndef KMEM_H
#define KMEM_H

#include <stdint.h>

void *kmalloc(uint64_t size);			/* NULL when memory is exhausted */
void *kcalloc(uint64_t count, uint64_t size);
void kfree(void *p);				/* a bad pointer is a kernel bug: panics */
uint64_t kmem_used(void);
uint64_t kmem_size(void);

#endif
