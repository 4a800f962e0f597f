/*
 * Intrusive circular doubly linked lists, the kernel's one queue type.
 *
 * A struct that can be queued embeds a struct list_node; a list is a head
 * node whose next/prev point at itself when empty. Linking and unlinking
 * are O(1) and allocate nothing, so they are safe with interrupts off and
 * cannot fail. list_entry() gets back from a node to the struct around it.
 *
 * Invariant: a node is either on exactly one list or unlinked, and an
 * unlinked node points at itself (list_node_init / list_remove keep it so),
 * which lets list_linked() tell the two apart.
 */
#ifndef CHALK_LIB_LIST_H
#define CHALK_LIB_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
    struct list_node *next;
    struct list_node *prev;
};

#define list_entry(node, type, member) ((type *)((char *)(node)-offsetof(type, member)))

static inline void list_init(struct list_node *head)
{
    head->next = head;
    head->prev = head;
}

#define list_node_init list_init

static inline bool list_empty(const struct list_node *head)
{
    return head->next == head;
}

static inline bool list_linked(const struct list_node *node)
{
    return node->next != node;
}

static inline void list_insert_between(struct list_node *node, struct list_node *prev,
                                       struct list_node *next)
{
    node->prev = prev;
    node->next = next;
    prev->next = node;
    next->prev = node;
}

static inline void list_push_back(struct list_node *head, struct list_node *node)
{
    list_insert_between(node, head->prev, head);
}

static inline void list_push_front(struct list_node *head, struct list_node *node)
{
    list_insert_between(node, head, head->next);
}

static inline void list_remove(struct list_node *node)
{
    node->prev->next = node->next;
    node->next->prev = node->prev;
    list_node_init(node);
}

/* The first node, unlinked, or NULL when the list is empty. */
static inline struct list_node *list_pop_front(struct list_node *head)
{
    if (list_empty(head))
        return NULL;
    struct list_node *node = head->next;
    list_remove(node);
    return node;
}

/* Iterates safely against removal of the current node. */
#define list_for_each_safe(node, tmp, head)                                                        \
    for (node = (head)->next, tmp = node->next; node != (head); node = tmp, tmp = node->next)

#endif
