/* cli_qr.h - `paykiosk qr`: print a QR code on the terminal.
 *   paykiosk qr [--app upi|paytm|phonepe|gpay] [--ecc L|M|Q|H] [--no-color] TEXT
 * Dark modules are drawn as half-block ink; on a tty each line is black on
 * bright white and the code is fitted to the window, otherwise it is plain
 * and unlimited (smallest version, ECC M unless --ecc, quiet zone 4). */
#ifndef PK_CLI_QR_H
#define PK_CLI_QR_H

/* argv[0] == "qr".  Returns the exit status: 0 ok, 1 failure, 2 usage. */
int pk_cmd_qr(int argc, char **argv);

#endif
