/* The learner's micro-update, fused: forward, BCE loss, backward, one step.
 *
 * This is the hot path of engine/learner/learner.py and must compute what
 * engine/learner/model.py and engine/learner/optimizer.py compute, up to the
 * order of summation (tests compare them). Arrays are float64 buffers: w,
 * velocity, prior, lr, bound have 42 entries, x has 26, cov is the 42 x 42
 * posterior covariance and prior_cov the prior's (row major); w, cov and
 * velocity are updated in place. ABI is learner.KERNEL_ABI: bump both when
 * step's arguments change, so that a stale build is never called.
 * Layouts are documented in model.py and params.py, the step in optimizer.py.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

#define NP 42
#define NX 26
#define INPUT_LIMIT 10.0
#define ABI 2

/* energy, valence, acousticness: positions in the feature vector (params.TIME_FEATURES) */
static const int TIME_IDX[3] = {1, 0, 3};

static int get_buf(PyObject *obj, Py_buffer *view, Py_ssize_t n, int writable, const char *name) {
    if (PyObject_GetBuffer(obj, view, (writable ? PyBUF_WRITABLE : 0) | PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return -1;
    if (view->len != n * (Py_ssize_t)sizeof(double) || view->format == NULL || strcmp(view->format, "d") != 0) {
        PyErr_Format(PyExc_ValueError, "%s: expected %zd contiguous float64 values", name, n);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

/* u = S a and v = S b for the symmetric S. S v is the sum of v_i times row i: element-wise
 * inner loops that vectorise, where dot products (reductions) would stay scalar. */
static void times_covariance(const double *cov, const double *a, const double *b, double *u, double *v) {
    for (int j = 0; j < NP; j++) u[j] = v[j] = 0.0;
    for (int i = 0; i < NP; i++) {
        const double *row = cov + i * NP;
        const double ai = a[i], bi = b[i];
        for (int j = 0; j < NP; j++) {
            u[j] += ai * row[j];
            v[j] += bi * row[j];
        }
    }
}

/* The event joins the posterior, S' = S - k u u^T (Sherman-Morrison), then the posterior forgets
 * a share towards the prior's covariance P: S'' = (1 - forget) S' + forget P. */
static void absorb_and_forget(double *restrict cov, const double *restrict u, double k, double forget,
                              const double *restrict pcov) {
    const double keep = 1.0 - forget;
    for (int i = 0; i < NP; i++) {
        double *restrict row = cov + i * NP;
        const double *restrict prow = pcov + i * NP;
        const double ui = u[i];
        /* k (u_i u_j), not (k u_i) u_j: the product must not depend on the order, so S stays symmetric */
        for (int j = 0; j < NP; j++) row[j] = keep * (row[j] - k * (ui * u[j])) + forget * prow[j];
    }
}

static PyObject *step(PyObject *self, PyObject *args) {
    PyObject *ow, *ox, *ocov, *ovel, *oprior, *opcov, *olr, *obound;
    double y, momentum, grad_clip, prior_pull, forget;
    int round_f32;
    if (!PyArg_ParseTuple(args, "OOOOOOOOdddddp", &ow, &ox, &ocov, &ovel, &oprior, &opcov, &olr, &obound, &y,
                          &momentum, &grad_clip, &prior_pull, &forget, &round_f32))
        return NULL;
    Py_buffer bw, bx, bcov, bvel, bprior, bpcov, blr, bbound;
    Py_buffer *bufs[8] = {&bw, &bx, &bcov, &bvel, &bprior, &bpcov, &blr, &bbound};
    PyObject *objs[8] = {ow, ox, ocov, ovel, oprior, opcov, olr, obound};
    const Py_ssize_t sizes[8] = {NP, NX, NP * NP, NP, NP, NP * NP, NP, NP};
    const int writable[8] = {1, 0, 1, 1, 0, 0, 0, 0};
    const char *names[8] = {"w", "x", "covariance", "velocity", "prior", "prior_covariance", "lr", "bound"};
    int got = 0;
    for (; got < 8; got++)
        if (get_buf(objs[got], bufs[got], sizes[got], writable[got], names[got]) < 0) break;
    if (got < 8) {
        for (int i = 0; i < got; i++) PyBuffer_Release(bufs[i]);
        return NULL;
    }
    /* absorb_and_forget reads pcov while it writes cov (restrict): they must not overlap */
    const char *c0 = bcov.buf, *p0 = bpcov.buf;
    if (c0 < p0 + bpcov.len && p0 < c0 + bcov.len) {
        for (int i = 0; i < 8; i++) PyBuffer_Release(bufs[i]);
        PyErr_SetString(PyExc_ValueError, "covariance and prior_covariance must be different arrays");
        return NULL;
    }
    double *w = bw.buf, *cov = bcov.buf, *vel = bvel.buf;
    const double *xin = bx.buf, *prior = bprior.buf, *pcov = bpcov.buf, *lr = blr.buf, *bound = bbound.buf;

    double x[NX];
    for (int i = 0; i < NX; i++) {
        double v = xin[i];
        if (!isfinite(v)) v = isnan(v) ? 0.0 : (v > 0 ? INPUT_LIMIT : -INPUT_LIMIT);
        x[i] = v > INPUT_LIMIT ? INPUT_LIMIT : (v < -INPUT_LIMIT ? -INPUT_LIMIT : v);
    }
    const double *f = x, *h = x + 10, *k = x + 14, *t = x + 18;
    const double s = x[24], c = x[25];
    const double *W = w + 24;

    double gm = 0, gb = 0, bias = 0, m = 0, beh = 0, tau = 0;
    for (int b = 0; b < 6; b++) {
        gm += t[b] * W[3 * b];
        gb += t[b] * W[3 * b + 1];
        bias += t[b] * W[3 * b + 2];
    }
    for (int i = 0; i < 10; i++) m += w[i] * f[i];
    for (int i = 0; i < 4; i++) beh += w[10 + i] * h[i] + w[14 + i] * k[i];
    for (int j = 0; j < 3; j++) tau += f[TIME_IDX[j]] * (w[18 + 2 * j] * s + w[19 + 2 * j] * c);
    double z = gm * m + gb * beh + bias + tau;
    z = z > 60 ? 60 : (z < -60 ? -60 : z);
    const double p = 1.0 / (1.0 + exp(-z));
    const double eps = 1e-12;
    const double pc = p < eps ? eps : (p > 1 - eps ? 1 - eps : p);
    const double loss = -(y * log(pc) + (1 - y) * log(1 - pc));

    double gz[NP];
    for (int i = 0; i < 10; i++) gz[i] = gm * f[i];
    for (int i = 0; i < 4; i++) {
        gz[10 + i] = gb * h[i];
        gz[14 + i] = gb * k[i];
    }
    for (int j = 0; j < 3; j++) {
        gz[18 + 2 * j] = f[TIME_IDX[j]] * s;
        gz[19 + 2 * j] = f[TIME_IDX[j]] * c;
    }
    for (int b = 0; b < 6; b++) {
        gz[24 + 3 * b] = t[b] * m;
        gz[25 + 3 * b] = t[b] * beh;
        gz[26 + 3 * b] = t[b];
    }
    const double d = p - y;
    double g[NP], norm2 = 0;
    int finite = 1, gz_finite = 1;
    for (int i = 0; i < NP; i++) {
        g[i] = d * gz[i];
        norm2 += g[i] * g[i];
        if (!isfinite(g[i])) finite = 0;
        if (!isfinite(gz[i])) gz_finite = 0;
    }
    double scale = 1.0;
    if (!finite || !isfinite(norm2)) scale = 0.0;
    else if (sqrt(norm2) > grad_clip) scale = grad_clip / sqrt(norm2);
    for (int i = 0; i < NP; i++) g[i] = (scale == 0.0 ? 0.0 : g[i] * scale) + prior_pull * (w[i] - prior[i]);

    double u[NP], sg[NP];
    times_covariance(cov, gz, g, u, sg);
    /* S' g = S g - k u (u.g) with u = S gz, k = c / (1 + c gz.u): the step uses the posterior
     * that includes this event. */
    const double cfish = p * (1.0 - p);
    double gu = 0, ug = 0;
    for (int i = 0; i < NP; i++) {
        gu += gz[i] * u[i];
        ug += u[i] * g[i];
    }
    const double kk = gz_finite ? cfish / (1.0 + cfish * gu) : 0.0;
    if (!gz_finite) memset(u, 0, sizeof u);  /* unreachable with finite weights and inputs */
    double nw[NP];
    int ok = 1;
    for (int i = 0; i < NP; i++) {
        double v = momentum * vel[i] + (sg[i] - kk * u[i] * ug);
        double n = w[i] - lr[i] * v;
        n = n > bound[i] ? bound[i] : (n < -bound[i] ? -bound[i] : n);
        if (!isfinite(n)) ok = 0;
        nw[i] = n;
        vel[i] = v;
    }
    for (int i = 0; i < NP; i++) {
        if (ok) w[i] = round_f32 ? (double)(float)nw[i] : nw[i];
        else vel[i] = 0.0;
    }
    absorb_and_forget(cov, u, kk, forget, pcov);
    for (int i = 0; i < 8; i++) PyBuffer_Release(bufs[i]);
    return Py_BuildValue("(dd)", p, loss);
}

static PyMethodDef methods[] = {
    {"step", step, METH_VARARGS,
     "step(w, x, covariance, velocity, prior, prior_covariance, lr, bound, y, momentum, grad_clip, prior_pull, "
     "forget, round_f32) -> (p, loss)\n\nOne fused micro-update; w, covariance (42 x 42), velocity change in "
     "place."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernel", "The learner's fused micro-update.", -1,
                                    methods};

PyMODINIT_FUNC PyInit__kernel(void) {
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddIntConstant(m, "ABI", ABI) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
