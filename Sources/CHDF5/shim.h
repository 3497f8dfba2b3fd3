#ifndef NEYMAN_CHDF5_SHIM_H
#define NEYMAN_CHDF5_SHIM_H
#include <hdf5.h>

static inline unsigned neyman_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned neyman_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline hid_t neyman_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t neyman_h5s_all(void) { return H5S_ALL; }
static inline hid_t neyman_h5e_default(void) { return H5E_DEFAULT; }
static inline hid_t neyman_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t neyman_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t neyman_h5t_c_s1(void) { return H5T_C_S1; }
#endif
