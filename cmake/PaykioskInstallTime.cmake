# PaykioskInstallTime.cmake - runs at install time (cmake --install, cpack),
# included by cmake_install.cmake after CMakeLists.txt has set PK_I_SRC
# (source dir), PK_I_BIN (build dir), PK_I_BINDIR, PK_I_SYSCONFDIR,
# PK_I_LIBEXECDIR and PK_I_DATADIR (the GNUInstallDirs values, maybe
# relative), PK_I_UNITDIR (systemd's folder for the units of packages, from
# systemd.pc), PK_I_PROGRAMS (the programs built) and PK_I_OBJCOPY.
#
# What depends on the prefix is decided here, from the prefix the install
# really uses, not the one the build was configured with: cpack installs
# with CMAKE_INSTALL_PREFIX=/usr (and DESTDIR) whatever the build's prefix.
#   - the config files: /etc/paykiosk/paykiosk.conf and, with the hub,
#     /etc/paykiosk/hub.conf when the prefix is /usr (GNUInstallDirs' rule;
#     the programs' compiled-in default), else <prefix>/etc/paykiosk/...;
#     files 0600, directory 0700.  An existing one is kept (it holds the
#     shop's settings and maybe its secrets), as dpkg keeps a changed
#     conffile.
#   - the systemd units, paykiosk@.service, paykiosk-hub.service and
#     paykiosk-session@.service: in PK_I_UNITDIR (/lib/systemd/system on
#     Debian 12) when the prefix is /usr, else in <prefix>/lib/systemd/system;
#     their ExecStart= naming the program this install puts in
#     <prefix>/<bindir> (the session's: <prefix>/<libexecdir>/paykiosk/
#     paykiosk-session).
#   - the kiosk session's launcher, <prefix>/<libexecdir>/paykiosk/
#     paykiosk-session (mode 0755), its default paykiosk and
#     paykiosk-foot.ini the ones this install puts in <prefix>/<bindir> and
#     <prefix>/<datadir>/paykiosk; the same for the two-screen session's,
#     paykiosk-session-dual, and its paykiosk-sway.conf.
#   - paykiosk-session-dual@.service: made here from
#     paykiosk-session@.service (one set of settings and hardening for
#     both), with the two-screen launcher in ExecStart= (no --kiosk: the
#     customer display is for a counter), its own description, and a
#     conflict with the one-screen session of the same user.
#   - a stripped install (cpack, cmake --install --strip): the programs also
#     lose the .comment and .note sections, as Debian's dh_strip does.

set(_prefix "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/+$" "" _prefix "${_prefix}")
set(_destdir "$ENV{DESTDIR}")
set(_system_prefix FALSE)
if(_prefix STREQUAL "/usr" OR _prefix STREQUAL "")
  set(_system_prefix TRUE)
endif()

function(pk_full_dir out reldir)
  if(IS_ABSOLUTE "${reldir}")
    set(${out} "${reldir}" PARENT_SCOPE)
  else()
    set(${out} "${_prefix}/${reldir}" PARENT_SCOPE)
  endif()
endfunction()

# (An install script runs without the project's policies: no IN_LIST.)
list(FIND PK_I_PROGRAMS paykiosk-hub _i)
set(_hub FALSE)
if(_i GREATER -1)
  set(_hub TRUE)
endif()

# ---- /etc/paykiosk: paykiosk.conf, hub.conf ----
if(IS_ABSOLUTE "${PK_I_SYSCONFDIR}")
  set(_etc "${PK_I_SYSCONFDIR}")
elseif(_system_prefix)
  set(_etc "/etc")
else()
  set(_etc "${_prefix}/${PK_I_SYSCONFDIR}")
endif()
# file(INSTALL) adds DESTDIR to an absolute destination itself; the other
# file() calls need it here.
set(_confdir "${_etc}/paykiosk")
file(MAKE_DIRECTORY "${_destdir}${_confdir}")
file(CHMOD "${_destdir}${_confdir}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
set(_confs paykiosk.conf)
if(_hub)
  list(APPEND _confs hub.conf)
endif()
foreach(_conf ${_confs})
  if(EXISTS "${_destdir}${_confdir}/${_conf}")
    message(STATUS "Keeping: ${_destdir}${_confdir}/${_conf} (already there)")
  else()
    file(INSTALL "${PK_I_SRC}/assets/${_conf}" DESTINATION "${_confdir}"
      PERMISSIONS OWNER_READ OWNER_WRITE)
  endif()
endforeach()

# ---- the systemd units ----
if(_system_prefix)
  set(_unitdir "${PK_I_UNITDIR}")
else()
  set(_unitdir "${_prefix}/lib/systemd/system")
endif()
pk_full_dir(_bindir "${PK_I_BINDIR}")
set(_units "paykiosk@.service=paykiosk")
if(_hub)
  list(APPEND _units "paykiosk-hub.service=paykiosk-hub")
endif()
foreach(_pair ${_units})
  string(REPLACE "=" ";" _pair "${_pair}")
  list(GET _pair 0 _name)
  list(GET _pair 1 _program)
  file(READ "${PK_I_SRC}/assets/${_name}" _unit)
  string(REPLACE "\nExecStart=/usr/bin/${_program} " "\nExecStart=${_bindir}/${_program} "
    _unit "${_unit}")
  set(_staged "${PK_I_BIN}/pk-install/${_name}")
  file(WRITE "${_staged}" "${_unit}")
  file(INSTALL "${_staged}" DESTINATION "${_unitdir}"
    PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
endforeach()

# ---- the kiosk sessions: their launchers and their units ----
pk_full_dir(_libexecdir "${PK_I_LIBEXECDIR}")
pk_full_dir(_datadir "${PK_I_DATADIR}")
file(MAKE_DIRECTORY "${PK_I_BIN}/pk-install/session")
# pk_place(TEXT_VAR FILE FROM TO ...): each FROM in TEXT_VAR replaced by its
# TO; a FROM the file lacks stops the install (the file changed under us).
function(pk_place text_var file)
  set(_text "${${text_var}}")
  set(_args ${ARGN})
  list(LENGTH _args _n)
  set(_i 0)
  while(_i LESS _n)
    list(GET _args ${_i} _from)
    math(EXPR _j "${_i} + 1")
    list(GET _args ${_j} _to)
    string(FIND "${_text}" "${_from}" _at)
    if(_at LESS 0)
      message(FATAL_ERROR "${file} has no '${_from}' to place")
    endif()
    string(REPLACE "${_from}" "${_to}" _text "${_text}")
    math(EXPR _i "${_i} + 2")
  endwhile()
  set(${text_var} "${_text}" PARENT_SCOPE)
endfunction()
foreach(_launcher_name paykiosk-session paykiosk-session-dual)
  file(READ "${PK_I_SRC}/assets/session/${_launcher_name}" _launcher)
  pk_place(_launcher "assets/session/${_launcher_name}"
    "PAYKIOSK_SESSION_KIOSK:-/usr/bin/paykiosk}" "PAYKIOSK_SESSION_KIOSK:-${_bindir}/paykiosk}"
    "PAYKIOSK_SESSION_FOOT_INI:-/usr/share/paykiosk/paykiosk-foot.ini}"
    "PAYKIOSK_SESSION_FOOT_INI:-${_datadir}/paykiosk/paykiosk-foot.ini}")
  if(_launcher_name STREQUAL "paykiosk-session-dual")
    pk_place(_launcher "assets/session/${_launcher_name}"
      "PAYKIOSK_SESSION_SWAY_CONF:-/usr/share/paykiosk/paykiosk-sway.conf}"
      "PAYKIOSK_SESSION_SWAY_CONF:-${_datadir}/paykiosk/paykiosk-sway.conf}")
  endif()
  file(WRITE "${PK_I_BIN}/pk-install/session/${_launcher_name}" "${_launcher}")
  file(INSTALL "${PK_I_BIN}/pk-install/session/${_launcher_name}" DESTINATION "${_libexecdir}/paykiosk"
    PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
    WORLD_READ WORLD_EXECUTE)
endforeach()
file(READ "${PK_I_SRC}/assets/session/paykiosk-session@.service" _unit_src)
set(_unit "${_unit_src}")
pk_place(_unit "assets/session/paykiosk-session@.service"
  "\nExecStart=/usr/libexec/paykiosk/paykiosk-session " "\nExecStart=${_libexecdir}/paykiosk/paykiosk-session ")
file(WRITE "${PK_I_BIN}/pk-install/session/paykiosk-session@.service" "${_unit}")
set(_unit "# paykiosk-session-dual@.service - the kiosk on two screens (sway, two foot
# terminals: paykiosk for the cashier, its customer display facing the
# customer; paykiosk-session-dual), on tty1, on boot:
#
#   systemctl enable --now paykiosk-session-dual@cashier
#
# Made at install time from paykiosk-session@.service, whose notes below
# apply (read \"cage\" as sway), but: the two-screen launcher runs paykiosk
# for a counter (no --kiosk: in self-service mode the main screen is the
# customer's), and it stops that user's one-screen session.
#
${_unit_src}")
pk_place(_unit "assets/session/paykiosk-session@.service"
  "\nDescription=paykiosk kiosk session (cage, foot) on tty1 for %i\n"
  "\nDescription=paykiosk two-screen kiosk session (sway, foot, customer display) on tty1 for %i\n"
  "\nConflicts=getty@tty1.service paykiosk@tty1.service\n"
  "\nConflicts=getty@tty1.service paykiosk@tty1.service paykiosk-session@%i.service\n"
  "\nExecStart=/usr/libexec/paykiosk/paykiosk-session --kiosk\n"
  "\nExecStart=${_libexecdir}/paykiosk/paykiosk-session-dual\n")
file(WRITE "${PK_I_BIN}/pk-install/session/paykiosk-session-dual@.service" "${_unit}")
file(INSTALL "${PK_I_BIN}/pk-install/session/paykiosk-session@.service"
  "${PK_I_BIN}/pk-install/session/paykiosk-session-dual@.service" DESTINATION "${_unitdir}"
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# ---- strip as Debian does ----
if(CMAKE_INSTALL_DO_STRIP AND PK_I_OBJCOPY)
  foreach(_program ${PK_I_PROGRAMS})
    set(_file "${_destdir}${_bindir}/${_program}")
    execute_process(COMMAND "${PK_I_OBJCOPY}" --remove-section=.comment
      --remove-section=.note "${_file}" RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR "objcopy failed on ${_file}")
    endif()
  endforeach()
endif()
