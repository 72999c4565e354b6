"""The deliberately broken apps (test/apps/broken/) and what the kernel says
when it stops each one; fomos-host must say the same words."""

# app -> what the kernel says when it stops it
BROKEN = {
    'null': r'page fault writing 0x0 \(nothing mapped there\) at null\.app\+0x1[0-9a-f]{3}',
    'wild': r'page fault reading 0x7fffdead0000 \(nothing mapped there\) at wild\.app\+0x1[0-9a-f]{3}',
    'gp': r'general protection fault at gp\.app\+0x1[0-9a-f]{3}',
    'ud': r'invalid opcode at ud\.app\+0x1[0-9a-f]{3}',
    'div': r'divide error at div\.app\+0x1[0-9a-f]{3}',
    'bp': r'breakpoint at bp\.app\+0x1[0-9a-f]{3}',
    'stack': r'stack overflow \(past the bottom of its 64 KiB stack\) at stack\.app\+0x1[0-9a-f]{3}',
    'jump': r'jumped to jump\.app\+0x[0-9a-f]+, which is not code, called from jump\.app\+0x1[0-9a-f]{3}',
    'spin': r'ran for more than 100 ms without returning \(its budget\)',
    'badfree': r'free\(0x[0-9a-f]+\): not a pointer calloc returned',
    'doublefree': r'free\(0x[0-9a-f]+\): that block was already freed',
}
