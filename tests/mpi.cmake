# tests/mpi.cmake: the MPI tests, included from tests/CMakeLists.txt when
# RENA_MPI is ON. They run `rena` under mpirun with 2 ranks on this machine
# (shared memory only; see tests/test_mpi.sh).
add_test(NAME test_mpi
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/test_mpi.sh ${CMAKE_BINARY_DIR}/rena
                 ${MPIEXEC_EXECUTABLE})
set(_rena_mpi_env "RENA_SOURCE_DIR=${RENA_SOURCE_DIR}")
if(RENA_SANITIZE)
  # Open MPI, hwloc and PMIx keep allocations until exit that LeakSanitizer
  # reports as leaks of the library; rena's own leaks are caught by the
  # non-MPI suite, which runs the same code paths in one process.
  list(APPEND _rena_mpi_env "ASAN_OPTIONS=detect_leaks=0")
endif()
set_tests_properties(test_mpi PROPERTIES ENVIRONMENT "${_rena_mpi_env}" TIMEOUT 300)
