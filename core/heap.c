#include <core/heap.h>
#include <core/page_alloc.h>
#include <lib/compiler.h>
#include <lib/panic.h>
#include <lib/spinlock.h>
#include <lib/string.h>

#define HEAP_MIN_SHIFT	5
#define HEAP_MAX_SHIFT	11
#define HEAP_CLASSES	(HEAP_MAX_SHIFT - HEAP_MIN_SHIFT + 1)
#define HEAP_MAGIC	0x68656170u	/* "heap" */
#define HEAP_LARGE	0xffu

/*
 * Every block starts with this header; the pointer handed out follows
 * it. The magic catches a kfree() of something kzalloc() never returned.
 */
struct heap_hdr {
	u32 magic;
	u32 class;	/* size class, or HEAP_LARGE */
	u64 npages;	/* HEAP_LARGE only */
};

struct free_block {
	struct free_block *next;
};

static spinlock_t heap_lock = SPINLOCK_INIT;
static struct free_block *free_lists[HEAP_CLASSES];

static unsigned int size_class(size_t total)
{
	unsigned int c = 0;

	while ((1ULL << (HEAP_MIN_SHIFT + c)) < total)
		c++;
	return c;
}

/* Carves a fresh page into blocks of class @c. Caller holds heap_lock. */
static bool refill(unsigned int c)
{
	size_t bsize = 1ULL << (HEAP_MIN_SHIFT + c);
	u8 *page = page_alloc();
	size_t off;

	if (!page)
		return false;
	for (off = 0; off + bsize <= PAGE_SIZE; off += bsize) {
		struct free_block *b = (struct free_block *)(page + off);

		b->next = free_lists[c];
		free_lists[c] = b;
	}
	return true;
}

static void *alloc_large(size_t total)
{
	size_t npages = DIV_ROUND_UP(total, PAGE_SIZE);
	struct heap_hdr *h = page_alloc_contig(npages, PAGE_SIZE);

	if (!h)
		return NULL;
	*h = (struct heap_hdr){ HEAP_MAGIC, HEAP_LARGE, npages };
	return h + 1;
}

void *kzalloc(size_t size)
{
	size_t total = size + sizeof(struct heap_hdr);
	struct free_block *b;
	struct heap_hdr *h;
	unsigned int c;

	if (total < size)
		return NULL;
	if (total > (1ULL << HEAP_MAX_SHIFT))
		return alloc_large(total);
	c = size_class(total);
	spin_lock(&heap_lock);
	if (!free_lists[c] && !refill(c)) {
		spin_unlock(&heap_lock);
		return NULL;
	}
	b = free_lists[c];
	free_lists[c] = b->next;
	spin_unlock(&heap_lock);

	memset(b, 0, 1ULL << (HEAP_MIN_SHIFT + c));
	h = (struct heap_hdr *)b;
	*h = (struct heap_hdr){ HEAP_MAGIC, c, 0 };
	return h + 1;
}

void kfree(void *p)
{
	struct heap_hdr *h;
	struct free_block *b;
	unsigned int c;

	if (!p)
		return;
	h = (struct heap_hdr *)p - 1;
	BUG_ON(h->magic != HEAP_MAGIC);
	h->magic = 0;
	if (h->class == HEAP_LARGE) {
		page_free_contig(h, h->npages);
		return;
	}
	c = h->class;
	BUG_ON(c >= HEAP_CLASSES);
	/* The block's first word becomes the link: @h is dead from here. */
	b = (struct free_block *)h;
	spin_lock(&heap_lock);
	b->next = free_lists[c];
	free_lists[c] = b;
	spin_unlock(&heap_lock);
}
