/*
 * The framebuffer console's glyphs: GRUB's 8x16 ASCII font (from GNU
 * Unifont), taken from grub-common when the hypervisor is built rather
 * than copied into this tree. tools/fb-text decodes screenshots with the
 * same file.
 */
#include FB_FONT_HEADER
