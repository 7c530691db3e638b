#include <asm/fbcon.h>
#include <lib/compiler.h>
#include <lib/errno.h>
#include <lib/string.h>

/* /usr/share/grub/ascii.h: 128 glyphs of 16 rows, one byte per row, MSB leftmost. */
extern unsigned char ascii_bitmaps[];

#define FG_RGB		0xaaaaaa	/* light grey on black, as VGA text */
#define EGA_ATTR	0x07
#define TAB_WIDTH	8
/* The text grid kept in memory: 2048x2048 pixels' worth; a larger screen uses its top left. */
#define MAX_COLS	256
#define MAX_ROWS	128

/* Written by the CPU that holds the console lock (core/console.c), or at boot. */
static struct {
	u8 *base;
	struct boot_fb fb;
	u32 bytes_pp;		/* RGB only */
	u32 fg;			/* the foreground pixel value, RGB only */
	u32 cols, rows, col, row;
} con;

/*
 * What each cell shows. Scrolling redraws the cells that change from it
 * instead of moving pixels: the framebuffer is mapped uncached, and
 * reading video memory back is slow enough on real machines (a few MB/s)
 * that a memmove of the screen per line would take most of a second.
 */
static u8 cells[MAX_ROWS][MAX_COLS];

static u32 scale(u32 v8, u8 pos, u8 size)
{
	return (size >= 8 ? v8 << (size - 8) : v8 >> (8 - size)) << pos;
}

static u32 rgb_pixel(u32 rgb)
{
	const struct boot_fb *fb = &con.fb;

	return scale((rgb >> 16) & 0xff, fb->red_pos, fb->red_size) |
	       scale((rgb >> 8) & 0xff, fb->green_pos, fb->green_size) |
	       scale(rgb & 0xff, fb->blue_pos, fb->blue_size);
}

static void put_pixel(u8 *p, u32 v)
{
	u32 i;

	for (i = 0; i < con.bytes_pp; i++)
		p[i] = (u8)(v >> (8 * i));
}

static void draw_glyph(u32 col, u32 row, u8 c)
{
	const unsigned char *g = &ascii_bitmaps[(u32)c * FBCON_GLYPH_H];
	u8 *line = con.base + (u64)row * FBCON_GLYPH_H * con.fb.pitch +
		   (u64)col * FBCON_GLYPH_W * con.bytes_pp;
	u32 y, x;

	for (y = 0; y < FBCON_GLYPH_H; y++, line += con.fb.pitch)
		for (x = 0; x < FBCON_GLYPH_W; x++)
			put_pixel(line + x * con.bytes_pp, (g[y] & (0x80 >> x)) ? con.fg : 0);
}

static void put_cell(u32 col, u32 row, u8 c)
{
	cells[row][col] = c;
	if (con.fb.kind == BOOT_FB_EGA_TEXT) {
		volatile u16 *cell = (volatile u16 *)(con.base + (u64)row * con.fb.pitch) + col;

		*cell = (u16)(EGA_ATTR << 8 | c);
	} else {
		draw_glyph(col, row, c);
	}
}

static void update_cell(u32 col, u32 row, u8 c)
{
	if (cells[row][col] != c)
		put_cell(col, row, c);
}

/* Up one text line; the bottom line is blanked. */
static void scroll(void)
{
	u32 row, col;

	for (row = 0; row + 1 < con.rows; row++)
		for (col = 0; col < con.cols; col++)
			update_cell(col, row, cells[row + 1][col]);
	for (col = 0; col < con.cols; col++)
		update_cell(col, con.rows - 1, ' ');
	con.row = con.rows - 1;
}

static void newline(void)
{
	con.col = 0;
	if (++con.row == con.rows)
		scroll();
}

static void put_char(char ch)
{
	u8 c = (u8)ch;

	if (c == '\n') {
		newline();
		return;
	}
	if (c == '\r') {
		con.col = 0;
		return;
	}
	if (c == '\t') {
		do
			put_char(' ');
		while (con.col % TAB_WIDTH);
		return;
	}
	if (c < 0x20 || c > 0x7e)
		c = '?';
	put_cell(con.col, con.row, c);
	if (++con.col == con.cols)
		newline();
}

static void clear(void)
{
	u32 r, c;

	for (r = 0; r < con.rows; r++)
		for (c = 0; c < con.cols; c++)
			put_cell(c, r, ' ');
}

int fbcon_init(const struct boot_fb *fb)
{
	memset(&con, 0, sizeof(con));
	con.fb = *fb;
	if (fb->kind == BOOT_FB_EGA_TEXT) {
		con.cols = fb->width;
		con.rows = fb->height;
	} else if (fb->kind == BOOT_FB_RGB) {
		con.bytes_pp = (fb->bpp + 7) / 8;
		con.cols = fb->width / FBCON_GLYPH_W;
		con.rows = fb->height / FBCON_GLYPH_H;
		con.fg = rgb_pixel(FG_RGB);
	}
	con.cols = MIN(con.cols, (u32)MAX_COLS);
	con.rows = MIN(con.rows, (u32)MAX_ROWS);
	if (!con.cols || !con.rows) {
		con.fb.kind = BOOT_FB_NONE;
		return -ENODEV;
	}
	con.base = (u8 *)(uintptr_t)fb->addr;
	clear();
	return 0;
}

void fbcon_write(const char *s, size_t n)
{
	if (con.fb.kind == BOOT_FB_NONE)
		return;
	while (n--)
		put_char(*s++);
}
