#include <lib/printf.h>
#include <lib/string.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

struct spec {
	bool left;
	bool zero;
	bool plus;
	bool space;
	bool alt;
	int width;
	int prec;		/* -1: none given */
	int length;		/* in bytes of the argument: 1, 2, 4 or 8 */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_str(struct out *o, const struct spec *sp, const char *s)
{
	size_t n;
	int fill;

	if (!s)
		s = "(null)";
	n = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
	fill = sp->width > (int)n ? sp->width - (int)n : 0;
	if (!sp->left)
		pad(o, ' ', fill);
	while (n--)
		put(o, *s++);
	if (sp->left)
		pad(o, ' ', fill);
}

static void put_num(struct out *o, const struct spec *sp, u64 v, bool neg,
		    unsigned int base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	const char *prefix = "";
	int n = 0, zeros, fill, plen;

	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	/* "%.0d" of zero prints nothing, as in C. */
	if (!n && sp->prec != 0)
		tmp[n++] = '0';

	if (neg)
		prefix = "-";
	else if (sp->plus)
		prefix = "+";
	else if (sp->space)
		prefix = " ";
	else if (sp->alt && base == 16 && n && !(n == 1 && tmp[0] == '0'))
		prefix = upper ? "0X" : "0x";
	else if (sp->alt && base == 8 && tmp[n - 1] != '0')
		prefix = "0";
	plen = (int)strlen(prefix);

	zeros = sp->prec > n ? sp->prec - n : 0;
	fill = sp->width - plen - zeros - n;
	if (fill < 0)
		fill = 0;
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += fill;
		fill = 0;
	}

	if (!sp->left)
		pad(o, ' ', fill);
	while (*prefix)
		put(o, *prefix++);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', fill);
}

static const char *parse_int(const char *f, int *v, va_list *ap)
{
	if (*f == '*') {
		*v = va_arg(*ap, int);
		return f + 1;
	}
	*v = 0;
	while (*f >= '0' && *f <= '9') {
		if (*v < 100000)
			*v = *v * 10 + (*f - '0');
		f++;
	}
	return f;
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){ .prec = -1, .length = 4 };

	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	f = parse_int(f, &sp->width, ap);
	if (sp->width < 0) {
		sp->left = true;
		sp->width = -sp->width;
	}
	if (*f == '.') {
		f = parse_int(f + 1, &sp->prec, ap);
		if (sp->prec < 0)
			sp->prec = -1;
	}
	if (f[0] == 'h' && f[1] == 'h') {
		sp->length = 1;
		f += 2;
	} else if (f[0] == 'h') {
		sp->length = 2;
		f++;
	} else if (f[0] == 'l' && f[1] == 'l') {
		sp->length = 8;
		f += 2;
	} else if (f[0] == 'l' || f[0] == 'z' || f[0] == 't' || f[0] == 'j') {
		sp->length = 8;
		f++;
	}
	return f;
}

static u64 get_unsigned(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 1:
		return (u8)va_arg(*ap, unsigned int);
	case 2:
		return (u16)va_arg(*ap, unsigned int);
	case 8:
		return va_arg(*ap, u64);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static s64 get_signed(const struct spec *sp, va_list *ap)
{
	switch (sp->length) {
	case 1:
		return (s8)va_arg(*ap, int);
	case 2:
		return (s16)va_arg(*ap, int);
	case 8:
		return va_arg(*ap, s64);
	default:
		return va_arg(*ap, int);
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = { .buf = buf, .size = size };
	struct spec sp;
	va_list ap;
	s64 sv;

	va_copy(ap, ap_in);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &ap);
		switch (*fmt) {
		case 'd':
		case 'i':
			sv = get_signed(&sp, &ap);
			put_num(&o, &sp, sv < 0 ? -(u64)sv : (u64)sv, sv < 0, 10, false);
			break;
		case 'u':
			put_num(&o, &sp, get_unsigned(&sp, &ap), false, 10, false);
			break;
		case 'x':
		case 'X':
			put_num(&o, &sp, get_unsigned(&sp, &ap), false, 16, *fmt == 'X');
			break;
		case 'o':
			put_num(&o, &sp, get_unsigned(&sp, &ap), false, 8, false);
			break;
		case 'p':
			sp.alt = true;
			put_num(&o, &sp, (uintptr_t)va_arg(ap, void *), false, 16, false);
			break;
		case 'c':
			sp.prec = -1;
			{
				char c[2] = { (char)va_arg(ap, int), 0 };

				put_str(&o, &sp, c);
			}
			break;
		case 's':
			put_str(&o, &sp, va_arg(ap, const char *));
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			/* A lone '%' at the end: print it rather than read past the NUL. */
			put(&o, '%');
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
		fmt++;
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
