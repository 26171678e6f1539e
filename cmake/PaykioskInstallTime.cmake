# PaykioskInstallTime.cmake - runs at install time (cmake --install, cpack),
# included by cmake_install.cmake after CMakeLists.txt has set PK_I_SRC
# (source dir), PK_I_BIN (build dir), PK_I_BINDIR and PK_I_SYSCONFDIR (the
# GNUInstallDirs values, maybe relative).
#
# What depends on the prefix is decided here, from the prefix the install
# really uses, not the one the build was configured with: cpack installs
# with CMAKE_INSTALL_PREFIX=/usr (and DESTDIR) whatever the build's prefix.
#   - the config file: /etc/paykiosk/paykiosk.conf when the prefix is /usr
#     (GNUInstallDirs' rule; the kiosk's compiled-in default), else
#     <prefix>/etc/paykiosk/paykiosk.conf; file 0600, directory 0700.  An
#     existing one is kept (it holds the shop's settings and maybe its
#     secret), as dpkg keeps a changed conffile.
#   - the systemd unit: <prefix>/lib/systemd/system/paykiosk@.service, its
#     ExecStart= naming the paykiosk this install puts in <prefix>/<bindir>.

set(_prefix "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/+$" "" _prefix "${_prefix}")
set(_destdir "$ENV{DESTDIR}")

function(pk_full_dir out reldir)
  if(IS_ABSOLUTE "${reldir}")
    set(${out} "${reldir}" PARENT_SCOPE)
  else()
    set(${out} "${_prefix}/${reldir}" PARENT_SCOPE)
  endif()
endfunction()

# ---- /etc/paykiosk/paykiosk.conf ----
if(IS_ABSOLUTE "${PK_I_SYSCONFDIR}")
  set(_etc "${PK_I_SYSCONFDIR}")
elseif(_prefix STREQUAL "/usr" OR _prefix STREQUAL "")
  set(_etc "/etc")
else()
  set(_etc "${_prefix}/${PK_I_SYSCONFDIR}")
endif()
# file(INSTALL) adds DESTDIR to an absolute destination itself; the other
# file() calls need it here.
set(_confdir "${_etc}/paykiosk")
file(MAKE_DIRECTORY "${_destdir}${_confdir}")
file(CHMOD "${_destdir}${_confdir}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
if(EXISTS "${_destdir}${_confdir}/paykiosk.conf")
  message(STATUS "Keeping: ${_destdir}${_confdir}/paykiosk.conf (already there)")
else()
  file(INSTALL "${PK_I_SRC}/assets/paykiosk.conf" DESTINATION "${_confdir}"
    PERMISSIONS OWNER_READ OWNER_WRITE)
endif()

# ---- the systemd unit ----
pk_full_dir(_bindir "${PK_I_BINDIR}")
file(READ "${PK_I_SRC}/assets/paykiosk@.service" _unit)
string(REPLACE "\nExecStart=/usr/bin/paykiosk " "\nExecStart=${_bindir}/paykiosk "
  _unit "${_unit}")
set(_staged "${PK_I_BIN}/pk-install/paykiosk@.service")
file(WRITE "${_staged}" "${_unit}")
file(INSTALL "${_staged}" DESTINATION "${_prefix}/lib/systemd/system"
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
