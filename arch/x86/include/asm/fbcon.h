#ifndef ASM_FBCON_H
#define ASM_FBCON_H

#include <core/boot.h>

/*
 * A text console on the loader's framebuffer (a host driver: what a
 * person in front of the machine's monitor sees). Linear RGB framebuffers
 * of 16, 24 or 32 bits get the 8x16 glyphs of GRUB's ASCII font, built in
 * from grub-common at build time; EGA text mode gets the characters.
 * Characters outside printable ASCII are shown as '?'.
 */
#define FBCON_GLYPH_W	8
#define FBCON_GLYPH_H	16

/* Returns 0, or -ENODEV when @fb is absent or smaller than one character. */
int fbcon_init(const struct boot_fb *fb);
void fbcon_write(const char *s, size_t n);

#endif
