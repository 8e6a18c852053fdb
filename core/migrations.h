/*
 * migrations.h - the SQL files of migrations/, embedded at build time by
 * tools/embed-migrations.sh into build/migrations.c.
 */
#ifndef DASV_MIGRATIONS_H
#define DASV_MIGRATIONS_H

struct dasv_migration {
	int version;      /* the file's number: 0001_x.sql is version 1 */
	const char *name;
	const char *sql;
};

/* In version order, consecutive from 1, ended by { 0, NULL, NULL }. */
extern const struct dasv_migration dasv_migrations[];

#endif
