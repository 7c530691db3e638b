#ifndef ASM_VRTC_H
#define ASM_VRTC_H

#include <asm/vplat_layout.h>
#include <lib/compiler.h>

/*
 * A virtual MC146818 CMOS RTC behind the index (0x70) and data (0x71)
 * ports: register logic only, on a clock the caller passes in (ns), under
 * the caller's lock.
 *
 * Time is kept as seconds since 1970 at an instant of the clock and read
 * out in the format register B asks for (BCD or binary, 12 or 24 hours);
 * a write to a time register while SET holds the clock (or not) moves
 * that field alone. Registers: seconds, minutes, hours, day of week, day
 * of month, month, year, the alarms (stored), A (UIP, the divider and
 * rate, stored), B, C (the UF/AF/PF flags, cleared on read), D (VRT:
 * the battery is good), the century at 0x32 (VRTC_CENTURY: the FADT's
 * CENTURY field names it), and the rest of the 128 bytes as CMOS RAM.
 * The index port's bit 7 (NMI disable) is ignored: there is no NMI
 * source behind it. UIP is set during the last 244 us of every second,
 * as on the chip, so a reader that checks it before and after reading
 * the time never waits for a second's edge.
 *
 * Not modelled: IRQ 8 (the periodic, alarm and update interrupts): the
 * flags in register C are kept, but nothing interrupts the guest.
 */
#define VRTC_CENTURY		VPLAT_RTC_CENTURY
#define VRTC_REG_A		0x0a
#define VRTC_REG_B		0x0b
#define VRTC_REG_C		0x0c
#define VRTC_REG_D		0x0d
#define VRTC_A_UIP		BIT(7)
#define VRTC_B_SET		BIT(7)
#define VRTC_B_BINARY		BIT(2)
#define VRTC_B_24H		BIT(1)
#define VRTC_UIP_NS		244000ULL

struct vrtc {
	u8 index;
	u8 ram[128];		/* alarms, A, B, the CMOS RAM; the time fields are derived */
	u64 base_sec;		/* seconds since 1970 at base_ns */
	u64 base_ns;
	bool held;		/* B.SET: the time stands at base_sec */
	u8 dow_delta;		/* the day of week as written, against the computed one */
	u64 flags_seen_ns;	/* when register C was last read */
};

/* @epoch_sec: the wall-clock time (seconds since 1970, UTC) at @now_ns. */
void vrtc_reset(struct vrtc *rtc, u64 epoch_sec, u64 now_ns);
u8 vrtc_read(struct vrtc *rtc, u16 port, u64 now_ns);
void vrtc_write(struct vrtc *rtc, u16 port, u8 val, u64 now_ns);
/* The time the RTC shows, in seconds since 1970. */
u64 vrtc_seconds(const struct vrtc *rtc, u64 now_ns);

#endif
