/*
 * ui_int.h - what ui.c and ui_keys.c share: the request table's lookups.
 */
#ifndef DASV_UI_INT_H
#define DASV_UI_INT_H

#include "ui.h"

bool ui_req_has_key(enum ui_request r, int key);
/* The key the footer shows for r (the first non-printable one in text mode). */
int ui_req_first_key(enum ui_request r, bool text_mode);
/* Teach curses the Home/End/F1 sequences common emulators send. */
void ui_define_keys(void);

#endif
